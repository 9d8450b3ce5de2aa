{{- define "mongodb.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mongodb.fullname" -}}
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

{{- define "mongodb.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mongodb.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "mongodb.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "mongodb.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sandboxkit
{{- end }}

{{- define "mongodb.image" -}}
{{- $registry := default .Values.image.registry .Values.global.imageRegistry -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{- define "mongodb.secretName" -}}
{{- default (printf "%s-credentials" (include "mongodb.fullname" .)) .Values.auth.existingSecret }}
{{- end }}

{{- define "mongodb.headless" -}}
{{- printf "%s-headless" (include "mongodb.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mongodb.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.runAsUser }}
runAsGroup: {{ .Values.runAsUser }}
fsGroup: {{ .Values.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "mongodb.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "mongodb.rcloneImage" -}}
{{- $registry := default .Values.rclone.registry .Values.global.imageRegistry -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .Values.rclone.repository }}:{{ .Values.rclone.tag }}
{{- end }}

{{/* The environment of an rclone container: the store as `RCLONE_CONFIG_STORE_*` (its keys, if any, come as files). */}}
{{- define "mongodb.rcloneEnv" -}}
- name: HOME
  value: /tmp
- name: RCLONE_CONFIG_STORE_TYPE
  value: {{ required "backup.remote.type is required" .Values.backup.remote.type | quote }}
{{- range $key, $value := omit .Values.backup.remote "type" }}
- name: {{ printf "RCLONE_CONFIG_STORE_%s" ($key | upper) }}
  value: {{ $value | quote }}
{{- end }}
{{- end }}

{{/* The store's S3 keys as files: the scripts read them, so no key is an environment entry of the pod. */}}
{{- define "mongodb.credentialsMount" -}}
{{- if .Values.backup.credentialsSecret -}}
- name: store-credentials
  mountPath: /credentials
  readOnly: true
{{- end }}
{{- end }}

{{- define "mongodb.credentialsVolume" -}}
{{- with .Values.backup.credentialsSecret -}}
- name: store-credentials
  secret:
    secretName: {{ . }}
    defaultMode: 0440
    items:
      - key: ACCESS_KEY_ID
        path: ACCESS_KEY_ID
      - key: ACCESS_SECRET_KEY
        path: ACCESS_SECRET_KEY
{{- end }}
{{- end }}
