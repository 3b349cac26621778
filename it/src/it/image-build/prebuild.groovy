// Starts Debian's docker-registry on a free loopback port, pushes a one-layer stand-in base image
// into it over the registry HTTP API, and hands the build its settings as -D user properties.
// verify.groovy stops the registry (it runs even when the build or this script fails); `timeout`
// stops it after 5 minutes in any case.
import java.security.MessageDigest
import java.util.zip.GZIPOutputStream

File binary = new File('/usr/bin/docker-registry')
assert binary.canExecute() : "${binary} is missing; run: apt-get install -y docker-registry"

File work = new File(basedir, 'target/registry')
work.mkdirs()
int port = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()).withCloseable { it.localPort }
File config = new File(work, 'config.yml')
config.text = """version: 0.1
log:
  level: info
storage:
  filesystem:
    rootdirectory: ${new File(work, 'storage').absolutePath}
http:
  addr: 127.0.0.1:${port}
"""
Process registry = new ProcessBuilder('timeout', '300', binary.path, 'serve', config.absolutePath)
    .redirectErrorStream(true)
    .redirectOutput(new File(work, 'registry.log'))
    .start()
new File(basedir, 'registry.pid').text = registry.pid() as String
new File(basedir, 'registry.port').text = port as String
String host = "127.0.0.1:${port}"

long deadline = System.nanoTime() + 15_000_000_000L
boolean ready = false
while (!ready && System.nanoTime() < deadline) {
  assert registry.isAlive() : "docker-registry exited: ${new File(work, 'registry.log').text}"
  try {
    ready = new URL("http://${host}/v2/").openConnection().responseCode == 200
  } catch (IOException notYet) {
    Thread.sleep(50)
  }
}
assert ready : "docker-registry did not answer on ${host} within 15 s: ${new File(work, 'registry.log').text}"

def sha256 = { byte[] bytes -> 'sha256:' + MessageDigest.getInstance('SHA-256').digest(bytes).encodeHex() }

// One ustar entry, base/hello.txt, then the two zero blocks that end an archive.
byte[] hello = 'stand-in base image\n'.getBytes('UTF-8')
byte[] header = new byte[512]
def field = { int offset, String value -> byte[] b = value.getBytes('US-ASCII'); System.arraycopy(b, 0, header, offset, b.length) }
field(0, 'base/hello.txt')
field(100, '0000644\0')
field(108, '0000000\0')
field(116, '0000000\0')
field(124, String.format('%011o\0', hello.length))
field(136, '00000000000\0')
field(148, '        ')
field(156, '0')
field(257, 'ustar\0')
field(263, '00')
int checksum = header.collect { it & 0xff }.sum()
field(148, String.format('%06o\0 ', checksum))
def tar = new ByteArrayOutputStream()
tar.write(header)
tar.write(hello)
tar.write(new byte[512 - hello.length % 512 + 1024])
byte[] layerTar = tar.toByteArray()
def gz = new ByteArrayOutputStream()
new GZIPOutputStream(gz).withCloseable { it.write(layerTar) }
byte[] layer = gz.toByteArray()
byte[] imageConfig = groovy.json.JsonOutput.toJson([
    architecture: 'amd64', os: 'linux', config: [:],
    rootfs: [type: 'layers', diff_ids: [sha256(layerTar)]]]).getBytes('UTF-8')

def upload = { byte[] blob ->
  HttpURLConnection start = new URL("http://${host}/v2/test/base/blobs/uploads/").openConnection()
  start.requestMethod = 'POST'
  start.doOutput = true
  start.outputStream.close()
  assert start.responseCode == 202 : "starting an upload answered ${start.responseCode}"
  String location = start.getHeaderField('Location')
  String url = (location.startsWith('http') ? location : "http://${host}${location}") +
      (location.contains('?') ? '&' : '?') + 'digest=' + URLEncoder.encode(sha256(blob), 'UTF-8')
  HttpURLConnection put = new URL(url).openConnection()
  put.requestMethod = 'PUT'
  put.doOutput = true
  put.setRequestProperty('Content-Type', 'application/octet-stream')
  put.outputStream.withCloseable { it.write(blob) }
  assert put.responseCode == 201 : "uploading ${sha256(blob)} answered ${put.responseCode}: ${put.errorStream?.text}"
}
upload(layer)
upload(imageConfig)
byte[] manifest = groovy.json.JsonOutput.toJson([
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: [mediaType: 'application/vnd.docker.container.image.v1+json', size: imageConfig.length, digest: sha256(imageConfig)],
    layers: [[mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: layer.length, digest: sha256(layer)]]
]).getBytes('UTF-8')
HttpURLConnection putManifest = new URL("http://${host}/v2/test/base/manifests/1").openConnection()
putManifest.requestMethod = 'PUT'
putManifest.doOutput = true
putManifest.setRequestProperty('Content-Type', 'application/vnd.docker.distribution.manifest.v2+json')
putManifest.outputStream.withCloseable { it.write(manifest) }
assert putManifest.responseCode == 201 : "putting the base manifest answered ${putManifest.responseCode}: ${putManifest.errorStream?.text}"
new File(basedir, 'base.digest').text = sha256(manifest)

context.get('userProperties').putAll([
    'constellation.image.registry': "${host}/constellation-agent:it".toString(),
    'constellation.image.base': "${host}/test/base:1".toString(),
    'constellation.image.allowInsecureRegistries': 'true'])
println "docker-registry on ${host} (pid ${registry.pid()}) holds the stand-in base ${host}/test/base:1"
return true
