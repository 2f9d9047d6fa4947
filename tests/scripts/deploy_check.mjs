// deploy_check.mjs: the manifests in deploy/ parse and name only what the project defines.
//   node deploy_check.mjs <source dir> <tests/tools dir> <streaming_job binary> <work dir>
// Checks (each failure names the file and the field):
//   - every YAML document parses and has apiVersion, kind and metadata.name; the kustomization
//     lists only files that exist, and every manifest file is listed (or is the example Secret);
//   - the Deployment runs the image the Containerfile builds and kustomize names, with the UI
//     port the server defaults to (4040); its probes call /healthz and /readyz, which the UI
//     serves (src/ui/ui_server.cc) and the ui tests call; its grace period leaves the stop
//     (measured ~1 s, bounded by 20 s in stream_resilience.sigterm_under_load) room;
//   - its args and the ConfigMap's config file are options streaming_job accepts: the binary
//     parses the file (--print-config), with the secrets from the environment variables the
//     Deployment takes from the Secret, and they are redacted in the output;
//   - every secretKeyRef names a key of the example Secret; the Service targets the port and
//     its Prometheus annotations name the port and /metrics;
//   - KEDA's ScaledObject scales that Deployment on the kafka scaler with the consumer group and
//     settings of the config file, and its TriggerAuthentication exists;
//   - the Containerfile builds with `make package`, runs as a non-root user, exposes 4040 and
//     starts streaming_job.
import { createRequire } from 'node:module'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const [src, tools, jobBin, work] = process.argv.slice(2)
const require = createRequire(path.join(path.resolve(tools), 'package.json'))
const YAML = require('yaml')
const fail = (m) => { console.error(`deploy_check: ${m}`); process.exit(1) }
const check = (cond, m) => { if (!cond) fail(m) }

const dir = path.join(src, 'deploy', 'kubernetes')
const docs = []  // {file, doc}
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const text = fs.readFileSync(path.join(dir, f), 'utf8')
  const parsed = YAML.parseAllDocuments(text)
  for (const d of parsed) {
    if (d.errors.length) fail(`${f}: ${d.errors[0].message}`)
    const doc = d.toJS()
    if (doc === null) continue
    check(doc.apiVersion && doc.kind, `${f}: a document without apiVersion or kind`)
    if (doc.kind !== 'Kustomization') check(doc.metadata && doc.metadata.name, `${f}: ${doc.kind} without metadata.name`)
    docs.push({ file: f, doc })
  }
}
const one = (kind) => {
  const all = docs.filter((d) => d.doc.kind === kind)
  check(all.length === 1, `expected one ${kind}, found ${all.length}`)
  return all[0].doc
}
const kust = one('Kustomization')
for (const r of kust.resources) check(fs.existsSync(path.join(dir, r)), `kustomization.yaml lists ${r}, which does not exist`)
for (const f of new Set(docs.map((d) => d.file))) {
  check(f === 'kustomization.yaml' || f === 'secret.example.yaml' || kust.resources.includes(f),
    `${f} is not in kustomization.yaml's resources`)
}

// ---- the Deployment ----
const dep = one('Deployment')
const pod = dep.spec.template.spec
check(pod.containers.length === 1, 'deployment.yaml: one container expected')
const c = pod.containers[0]
const imageName = kust.images.find((i) => i.name === c.image)
check(imageName, `deployment.yaml: image ${c.image} is not set by kustomization.yaml's images`)
const cmake = fs.readFileSync(path.join(src, 'CMakeLists.txt'), 'utf8')
const version = /project\(\s*lakestream\s+VERSION\s+([0-9.]+)/.exec(cmake)[1]
check(imageName.newTag === version, `kustomization.yaml: image tag ${imageName.newTag}, project version ${version}`)
const containerfile = fs.readFileSync(path.join(src, 'deploy', 'Containerfile'), 'utf8')
check(containerfile.includes(`-t lakestream:${version}`), `Containerfile: its build line does not tag lakestream:${version}`)
const uiHeader = fs.readFileSync(path.join(src, 'include', 'lakestream', 'ui', 'ui_server.h'), 'utf8')
const uiPort = Number(/int port = (\d+);/.exec(uiHeader)[1])
const port = c.ports.find((p) => p.name === 'ui')
check(port && port.containerPort === uiPort, `deployment.yaml: port ui is ${port && port.containerPort}, the UI listens on ${uiPort}`)
const uiServer = fs.readFileSync(path.join(src, 'src', 'ui', 'ui_server.cc'), 'utf8')
const uiTests = fs.readFileSync(path.join(src, 'tests', 'scripts', 'ui_test.sh'), 'utf8')
for (const [probe, want] of [['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']]) {
  const p = c[probe] && c[probe].httpGet
  check(p && p.path === want && p.port === 'ui', `deployment.yaml: ${probe} should GET ${want} on port ui`)
  check(uiServer.includes(`server.Get("${want}"`), `src/ui/ui_server.cc serves no ${want}`)
  check(uiTests.includes(want), `tests/scripts/ui_test.sh never calls ${want}`)
}
check(pod.terminationGracePeriodSeconds >= 25, 'deployment.yaml: terminationGracePeriodSeconds below the 20 s stop bound + margin')
check(pod.securityContext.runAsNonRoot === true, 'deployment.yaml: not runAsNonRoot')

// ---- the Secret, the env, the config file ----
const secret = one('Secret')
const env = {}
for (const e of c.env) {
  if (e.valueFrom && e.valueFrom.secretKeyRef) {
    const ref = e.valueFrom.secretKeyRef
    check(ref.name === secret.metadata.name && ref.key in secret.stringData,
      `deployment.yaml: env ${e.name} reads ${ref.name}/${ref.key}, not in secret.example.yaml`)
    env[e.name] = secret.stringData[ref.key]
  } else {
    env[e.name] = e.value
  }
}
const cm = one('ConfigMap')
const cfgPath = c.args[c.args.indexOf('--config') + 1]
const mount = c.volumeMounts.find((m) => cfgPath.startsWith(m.mountPath + '/'))
check(mount, `deployment.yaml: --config ${cfgPath} is not under a mounted volume`)
const vol = pod.volumes.find((v) => v.name === mount.name)
check(vol.configMap && vol.configMap.name === cm.metadata.name, `deployment.yaml: ${mount.name} is not the ConfigMap`)
const cfgFile = path.basename(cfgPath)
check(cfgFile in cm.data, `configmap.yaml has no ${cfgFile}`)
check(env.LAKESTREAM_CONF_DIR === mount.mountPath && 'lakestream-defaults.conf' in cm.data,
  'deployment.yaml: LAKESTREAM_CONF_DIR should name the ConfigMap mount holding lakestream-defaults.conf')
fs.mkdirSync(work, { recursive: true })
for (const [k, v] of Object.entries(cm.data)) fs.writeFileSync(path.join(work, k), v)
let printed
try {
  printed = execFileSync(jobBin, [...c.args.map((a) => (a === cfgPath ? path.join(work, cfgFile) : a)), '--print-config'], {
    env: { ...process.env, ...env, LAKESTREAM_CONF_DIR: work },
    encoding: 'utf8',
  })
} catch (e) {
  fail(`streaming_job refuses the deployment's args and config file: ${e.stderr || e.message}`)
}
for (const line of cm.data[cfgFile].split('\n')) {
  const m = /^([a-z-]+)=(.*)$/.exec(line.trim())
  if (!m) continue
  check(printed.includes(`${m[1]}=${m[2]}  # file `), `streaming_job did not take ${m[1]}=${m[2]} from the config file:\n${printed}`)
}
check(printed.includes('input-eh-connection-string=*********(redacted)  # environment variable STREAMING_INPUT_EH_CONNECTION_STRING'),
  'the connection string from the Secret is not taken from the environment, or not redacted')
check(!printed.includes('SharedAccessKey=<key>'), 'a secret is printed in clear')

// ---- the Service ----
const svc = one('Service')
check(svc.spec.ports.some((p) => p.targetPort === 'ui' && p.port === uiPort), 'service.yaml: no port to the ui port')
const ann = svc.metadata.annotations
check(ann['prometheus.io/scrape'] === 'true' && ann['prometheus.io/port'] === String(uiPort) && ann['prometheus.io/path'] === '/metrics',
  'service.yaml: the Prometheus annotations should name the UI port and /metrics')
for (const [k, v] of Object.entries(svc.spec.selector)) {
  check(dep.spec.template.metadata.labels[k] === v, `service.yaml: selector ${k}=${v} matches no pod label`)
}

// ---- KEDA ----
const so = one('ScaledObject')
check(so.spec.scaleTargetRef.name === dep.metadata.name, 'keda-scaledobject.yaml: scaleTargetRef is not the Deployment')
check(so.spec.maxReplicaCount >= so.spec.minReplicaCount && so.spec.minReplicaCount >= 1, 'keda-scaledobject.yaml: replica bounds')
const trig = so.spec.triggers[0]
check(trig.type === 'kafka', 'keda-scaledobject.yaml: the kafka scaler is expected')
const group = /^consumer-group=(.*)$/m.exec(cm.data[cfgFile])[1]
check(trig.metadata.consumerGroup === group, `keda-scaledobject.yaml: consumerGroup ${trig.metadata.consumerGroup}, the job's is ${group}`)
check(/^partition-assignment=group$/m.test(cm.data[cfgFile]), 'configmap.yaml: instances scaled by KEDA must join the group (partition-assignment=group)')
check(Number(trig.metadata.lagThreshold) > 0 && trig.metadata.tls === 'enable' && trig.metadata.sasl === 'plaintext',
  'keda-scaledobject.yaml: lagThreshold, tls and sasl as the Event Hubs Kafka endpoint needs')
const ta = one('TriggerAuthentication')
check(trig.authenticationRef.name === ta.metadata.name, 'keda-scaledobject.yaml: authenticationRef names no TriggerAuthentication')
for (const ref of ta.spec.secretTargetRef) {
  check(ref.name === secret.metadata.name && ref.key in secret.stringData, `TriggerAuthentication reads ${ref.name}/${ref.key}, not in secret.example.yaml`)
}

// ---- the Containerfile ----
check(/RUN .*make package/.test(containerfile), 'Containerfile: the build stage does not run make package')
check(/^USER 10001$/m.test(containerfile) && pod.securityContext.runAsUser === 10001, 'Containerfile and deployment: the non-root uid 10001')
check(new RegExp(`^EXPOSE ${uiPort}$`, 'm').test(containerfile), `Containerfile: EXPOSE ${uiPort}`)
check(/^ENTRYPOINT \["streaming_job"\]$/m.test(containerfile), 'Containerfile: ENTRYPOINT streaming_job')
console.log(`deploy: ${docs.length} documents checked; streaming_job accepts the config (${Object.keys(cm.data).length} files)`)
