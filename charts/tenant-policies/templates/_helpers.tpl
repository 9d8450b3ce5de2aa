{{- define "tenant.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "tenant.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "tenant.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tenant.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "tenant.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "tenant.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sandboxkit
{{- end }}

{{/* The policy's name: the release's full name and a suffix, e.g. sandbox-tenant-policies-services. */}}
{{- define "tenant.policyName" -}}
{{- printf "%s-%s" (include "tenant.fullname" .root) .suffix | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* `variables.suffix`: ".<instance>.<domain>", the part every hostname of the instance ends with. */}}
{{- define "tenant.suffixVariable" -}}
- name: suffix
  expression: {{ printf "'.' + namespaceObject.metadata.labels[%s] + '.%s'" (.Values.instanceLabel | quote) .Values.ingressDomain | quote }}
{{- end }}

{{/*
CEL: whether the hostname expression in `.` is `<labels>.<instance>.<domain>`, where the first label may be `*`.
The instance label values are DNS labels, so no instance's names lie inside another's.
*/}}
{{- define "tenant.inside" -}}
({{ . }}.endsWith(variables.suffix) && {{ . }}.substring(0, {{ . }}.size() - variables.suffix.size()).matches('^([*]|[a-z0-9]([-a-z0-9]*[a-z0-9])?)([.][a-z0-9]([-a-z0-9]*[a-z0-9])?)*$'))
{{- end }}

{{/* CEL: the backend reference in `.` is a core Service of the request's own namespace. */}}
{{- define "tenant.ownService" -}}
((!has({{ . }}.group) || {{ . }}.group == '') && (!has({{ . }}.kind) || {{ . }}.kind == 'Service') && (!has({{ . }}.namespace) || {{ . }}.namespace == request.namespace))
{{- end }}

{{/* CEL: the route filter in `.` sends nothing outside the namespace: mirrors and external authorization go to own Services, no extension filters. */}}
{{- define "tenant.ownFilter" -}}
((!has({{ . }}.requestMirror) || {{ include "tenant.ownService" (printf "%s.requestMirror.backendRef" .) }}) && (!has({{ . }}.externalAuth) || !has({{ . }}.externalAuth.backendRef) || {{ include "tenant.ownService" (printf "%s.externalAuth.backendRef" .) }}) && !has({{ . }}.extensionRef))
{{- end }}

{{/* CEL: the object carries no external-dns annotation, which would publish names outside the instance. */}}
{{- define "tenant.noExternalDnsAnnotations" -}}
!has(object.metadata.annotations) || !object.metadata.annotations.exists(k, k.startsWith('external-dns.alpha.kubernetes.io/'))
{{- end }}

{{/* A binding that applies the policy `.name` to every namespace with the instance label, denying what it fails. */}}
{{- define "tenant.binding" -}}
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: {{ .name }}
  labels:
    {{- include "tenant.labels" .root | nindent 4 }}
spec:
  policyName: {{ .name }}
  validationActions: ["Deny"]
  matchResources:
    namespaceSelector:
      matchExpressions:
        - key: {{ .root.Values.instanceLabel | quote }}
          operator: Exists
{{- end }}

{{- define "tenant.image" -}}
{{- $registry := default .Values.testImage.registry .Values.global.imageRegistry -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .Values.testImage.repository }}:{{ .Values.testImage.tag }}
{{- end }}

{{/*
CEL: the index of the pool node a Service stands for, -1 when it is none: `sandbox-pool-member` is node 0 (a one-node
member), `sandbox-pool-member-<i>` node i.
*/}}
{{- define "tenant.poolIndex" -}}
{{- $n := .Values.poolGrant.serviceName -}}
object.metadata.name == '{{ $n }}' ? 0 : (object.metadata.name.startsWith('{{ $n }}-') && object.metadata.name.substring({{ add (len $n) 1 }}).matches('^[0-9]{1,2}$') ? int(object.metadata.name.substring({{ add (len $n) 1 }})) : -1)
{{- end }}

{{/*
CEL: the Service is one an instance group grants its member: a node's Service (`variables.poolIndex` below the node
count Terraform labelled the namespace with, 1 when absent), in a namespace Terraform labelled with the granted port
and annotated with the nodes' names, every port that port.
*/}}
{{- define "tenant.grantedTcp" -}}
{{- if not .Values.poolGrant.enabled -}}
false
{{- else -}}
variables.poolIndex >= 0 && has(namespaceObject.metadata.labels) && '{{ .Values.poolGrant.portLabel }}' in namespaceObject.metadata.labels && variables.poolIndex < ('{{ .Values.poolGrant.nodesLabel }}' in namespaceObject.metadata.labels ? int(namespaceObject.metadata.labels['{{ .Values.poolGrant.nodesLabel }}']) : 1) && has(namespaceObject.metadata.annotations) && '{{ .Values.poolGrant.hostnameAnnotation }}' in namespaceObject.metadata.annotations && object.spec.ports.all(p, string(p.port) == namespaceObject.metadata.labels['{{ .Values.poolGrant.portLabel }}'])
{{- end -}}
{{- end }}

{{/*
CEL: the request comes from a tenant rather than from one of Kubernetes' or the platform's controllers. Controllers
are service accounts of other namespaces than the request's (kube-system's, cert-manager's, the database operator's)
and Kubernetes' own `system:` users (controller manager, scheduler, nodes). The instance's own service accounts, the
deployers' (which run what release records say) and every person (owners, admins) are tenants.
*/}}
{{- define "tenant.isTenant" -}}
{{- $user := "request.userInfo.username" -}}
!(({{ $user }}.startsWith('system:serviceaccount:') && !{{ $user }}.startsWith('system:serviceaccount:' + request.namespace + ':') && !{{ $user }}.startsWith('system:serviceaccount:{{ .Values.deployer.namespace }}:')) || ({{ $user }}.startsWith('system:') && !{{ $user }}.startsWith('system:serviceaccount:')))
{{- end }}

{{/* A matchCondition that limits a policy to tenants' requests. */}}
{{- define "tenant.tenantsOnly" -}}
- name: tenant-request
  expression: {{ include "tenant.isTenant" . | quote }}
{{- end }}
