{{- define "kafka.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- end }}

{{- define "kafka.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: kafka
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sandboxkit
{{- end }}

{{/* The label the Strimzi operator finds a node pool's, topic's or user's cluster by. */}}
{{- define "kafka.clusterLabel" -}}
strimzi.io/cluster: {{ include "kafka.fullname" . }}
{{- end }}

{{/* An image of `images`, under the registry mirror when one is set: (dict "root" . "image" .Values.images.kafka). */}}
{{- define "kafka.image" -}}
{{- $registry := default .image.registry .root.Values.global.imageRegistry -}}
{{- $tag := default (printf "%s-kafka-%s" .root.Values.images.operator.tag .root.Values.version) .image.tag -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .image.repository }}:{{ $tag }}
{{- end }}

{{- define "kafka.passwordSecret" -}}
{{- default (printf "%s-credentials" .Release.Name) .Values.client.passwordSecret }}
{{- end }}

{{/* Replicas of a topic and of Kafka's internal topics: the node count, at most 3. */}}
{{- define "kafka.replicationFactor" -}}
{{- min 3 (int .Values.nodes.replicas) }}
{{- end }}

{{- define "kafka.securityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}
