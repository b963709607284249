{{/* Names and labels. */}}
{{- define "warden.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "warden.fullname" -}}
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

{{/* The labels that select one component's pods: args (dict "root" $ "component" "gateway"). */}}
{{- define "warden.selectorLabels" -}}
app.kubernetes.io/name: {{ include "warden.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "warden.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "warden.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: warden
{{- end }}

{{- define "warden.componentName" -}}
{{- printf "%s-%s" (include "warden.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The components: each a Deployment with its own HPA, PodDisruptionBudget and NetworkPolicy.
values: its key in values.yaml; app: the image's APP; secretOf: whose key Secret it reads;
port: whose public port it listens on; callers: the components (besides the gateway's clients)
that may reach its public port, as the internal calls of tools/platform/keys.mjs INTERNAL_PAIRS;
service: whether it has a Service.
*/}}
{{- define "warden.components" -}}
gateway:
  values: gateway
  app: gateway
  secretOf: gateway
  port: gateway
  service: true
  callers: []
token-service:
  values: tokenService
  app: token-service
  secretOf: token-service
  port: tokenService
  service: true
  callers: [gateway, audit-service, audit-worker]
credential-service:
  values: credentialService
  app: credential-service
  secretOf: credential-service
  port: credentialService
  service: true
  callers: [gateway, audit-service, audit-worker, token-service]
audit-service:
  values: auditService
  app: audit-service
  secretOf: audit-service
  port: auditService
  service: true
  callers: [gateway, token-service, credential-service, cli]
{{- if .Values.auditWorker.enabled }}
audit-worker:
  values: auditWorker
  app: audit-service
  secretOf: audit-service
  port: auditService
  service: false
  callers: []
{{- end }}
{{- end }}

{{/* Who mints internal identities for whom: tools/platform/keys.mjs INTERNAL_PAIRS. */}}
{{- define "warden.internalPairs" -}}
gateway>token-service
gateway>credential-service
gateway>audit-service
cli>audit-service
token-service>audit-service
credential-service>audit-service
audit-service>token-service
audit-service>credential-service
token-service>credential-service
{{- end }}

{{/* A required key from .Values.keys: args (dict "root" $ "key" "TOKEN_HASH_KEY" "service" "token-service" "what" "..."). */}}
{{- define "warden.requiredKey" -}}
{{- $valuesKey := (index (fromYaml (include "warden.components" .root)) .service).values }}
{{- required (printf "keys.%s is required for the %s: set %s.existingSecret to a Secret holding its keys (recommended), or set keys.%s (`node tools/platform/keys.mjs --env` prints a fresh set; docs/operations.md, Kubernetes)" .key .service $valuesKey .key) (index .root.Values.keys .key) }}
{{- end }}

{{/*
INTERNAL_KEYS of one process, as tools/platform/keys.mjs keysFor builds it: the gateway its own
caller keys; a service every pair it is the caller or the audience of.
*/}}
{{- define "warden.internalKeys" -}}
{{- $root := .root }}
{{- $name := .service }}
{{- $entries := list }}
{{- range $pair := splitList "\n" (include "warden.internalPairs" $root) }}
{{- $caller := first (splitList ">" $pair) }}
{{- $audience := last (splitList ">" $pair) }}
{{- if or (eq $caller $name) (and (ne $name "gateway") (eq $audience $name)) }}
{{- $var := printf "KEY_%s_%s" $caller $audience | upper | replace "-" "_" }}
{{- $material := include "warden.requiredKey" (dict "root" $root "key" $var "service" $name) }}
{{- $entries = append $entries (printf "%s:%s:%s" $pair $root.Values.keys.internalKeyId $material) }}
{{- end }}
{{- end }}
{{- join "," $entries }}
{{- end }}

{{/* The key variables each process reads from its Secret; optional ones may be absent. */}}
{{- define "warden.secretKeys" -}}
gateway:
  required: [INTERNAL_KEYS]
  optional: []
token-service:
  required: [INTERNAL_KEYS, TOKEN_HASH_KEY, TOKEN_ENCRYPTION_KEYS]
  optional: []
credential-service:
  required: [INTERNAL_KEYS, CREDENTIAL_ENCRYPTION_KEYS]
  optional: []
audit-service:
  required: [INTERNAL_KEYS, AUDIT_SIGNING_KEY]
  optional: [AUDIT_PREVIOUS_PUBLIC_KEYS, AUDIT_SEAL_KEY]
{{- end }}

{{/* Name of the Secret holding one process's keys: args (dict "root" $ "service" "token-service"). */}}
{{- define "warden.keysSecretName" -}}
{{- $values := index .root.Values (index (fromYaml (include "warden.components" .root)) .service).values }}
{{- if $values.existingSecret }}
{{- $values.existingSecret }}
{{- else }}
{{- printf "%s-keys" (include "warden.componentName" (dict "root" .root "component" .service)) }}
{{- end }}
{{- end }}

{{/* The Secret and key holding a data store's URL: args (dict "root" $ "store" "redis"|"mongodb"). */}}
{{- define "warden.storeSecretName" -}}
{{- $store := index .root.Values .store }}
{{- if $store.existingSecret }}
{{- $store.existingSecret }}
{{- else }}
{{- printf "%s-%s" (include "warden.fullname" .root) .store }}
{{- end }}
{{- end }}

{{- define "warden.storeSecretKey" -}}
{{- $store := index .root.Values .store }}
{{- if $store.existingSecret }}
{{- $store.existingSecretKey | default (printf "%s_URL" (upper .store)) }}
{{- else }}
{{- printf "%s_URL" (upper .store) }}
{{- end }}
{{- end }}

{{/* An image reference: args (dict "root" $ "image" <values image>). */}}
{{- define "warden.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion }}
{{- if .root.Values.image.registry }}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}
