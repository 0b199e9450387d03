{{- define "acme-api.fullname" -}}{{ .Release.Name }}-acme-api{{- end }}
{{- define "acme-api.selectorLabels" -}}
app.kubernetes.io/name: acme-api
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}
{{- define "acme-api.labels" -}}
{{ include "acme-api.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
