{{- define "reaper.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "reaper.fullname" -}}
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

{{- define "reaper.instanceRole" -}}
{{- printf "%s-instance" (include "reaper.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "reaper.stateName" -}}
{{- printf "%s-state" (include "reaper.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "reaper.selectorLabels" -}}
app.kubernetes.io/name: {{ include "reaper.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "reaper.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "reaper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sandboxkit
{{- end }}

{{- define "reaper.image" -}}
{{- $registry := default .Values.image.registry .Values.global.imageRegistry -}}
{{- if $registry }}{{ $registry }}/{{ end }}{{ .Values.image.repository }}:{{ .Values.image.tag }}
{{- end }}

{{- define "reaper.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
fsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "reaper.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "reaper.podSpec" -}}
restartPolicy: Never
serviceAccountName: {{ include "reaper.fullname" . }}
automountServiceAccountToken: true
securityContext:
  {{- include "reaper.podSecurityContext" . | nindent 2 }}
containers:
  - name: reaper
    image: {{ include "reaper.image" . | quote }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    command: ["sh", "/scripts/reap.sh"]
    env:
      - name: DRY_RUN
        value: {{ .dryRun | default .Values.dryRun | quote }}
      - name: INSTANCE_LABEL
        value: {{ .Values.instanceLabel | quote }}
      - name: STATE_NAMESPACE
        valueFrom:
          fieldRef:
            fieldPath: metadata.namespace
      - name: STATE_CONFIGMAP
        value: {{ include "reaper.stateName" . | quote }}
      - name: ZONES
        value: /scripts/zones.tab
      - name: IDLE_HOURS
        value: {{ .Values.idle.hours | quote }}
      - name: PROMETHEUS_URL
        value: {{ .Values.idle.prometheusUrl | quote }}
      - name: PROXY_NAMESPACE
        value: {{ .Values.idle.proxyNamespace | quote }}
      - name: PROXY_JOB
        value: {{ .Values.idle.proxyJob | quote }}
      - name: NAMESPACE_SECONDS
        value: {{ .Values.budget.namespaceSeconds | quote }}
      - name: REQUEST_TIMEOUT
        value: {{ printf "%ds" (int .Values.budget.requestTimeoutSeconds) | quote }}
      - name: HOME
        value: /tmp
    resources:
      {{- toYaml .Values.resources | nindent 6 }}
    securityContext:
      {{- include "reaper.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: scripts
        mountPath: /scripts
        readOnly: true
      - name: tmp
        mountPath: /tmp
volumes:
  - name: scripts
    configMap:
      name: {{ include "reaper.fullname" . }}
  - name: tmp
    emptyDir:
      sizeLimit: 32Mi
{{- end }}
