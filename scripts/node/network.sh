# Addresses of the real node, in one place (sourced by up.sh, down.sh and the tests through env).
# The node runs in its own network namespace: its iptables (kube-proxy, kube-router, portmap) and its routes never
# touch the machine's. Every range is inside the ones ../shared/realk8s/up.sh blackholes, so only the routes below
# (more specific) lead anywhere, and all of them end in a network namespace on this machine.
# shellcheck shell=bash
NODE_NAME=sandboxkit-node
NODE_NETNS=sandboxkit-node
NODE_HOST_IF=sbk-host          # the machine's end of the link to the node's namespace
NODE_IF=sbk-node               # the node's end
NODE_HOST_IP=10.250.255.1      # the API server reaches the kubelet from here
NODE_IP=10.250.255.2
NODE_LINK_CIDR=10.250.255.0/30
NODE_POD_CIDR=10.244.255.0/24
CLUSTER_POD_CIDR=10.244.0.0/16
SERVICE_CIDR=10.96.0.0/16
CLUSTER_DNS_IP=10.96.0.10
NODE_LABEL=sandboxkit.test/node       # value `real`: tests that need running pods select the node by it
NODE_TAINT=sandboxkit.test/real-node  # NoSchedule: pods of other suites stay on the kwok nodes
