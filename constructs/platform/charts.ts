import { CLUSTER_AUTOSCALER_CHART, METRICS_SERVER_CHART } from './capacity';
import { CERT_MANAGER_CHART } from './certificates';
import { INGRESS_NGINX_CHART } from './ingress-controller';
import { KUBE_PROMETHEUS_STACK_CHART } from './monitoring';
import { EXTERNAL_SECRETS_CHART } from './secrets-operator';

/** Third-party charts the platform may install, pinned; the bill of materials lists them. */
export const PLATFORM_CHARTS = [EXTERNAL_SECRETS_CHART, INGRESS_NGINX_CHART, CERT_MANAGER_CHART, KUBE_PROMETHEUS_STACK_CHART] as const;
export const CAPACITY_CHARTS = [METRICS_SERVER_CHART, CLUSTER_AUTOSCALER_CHART] as const;
