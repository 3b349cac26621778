// Reads the pushed image back from the registry that prebuild.groovy started, then stops it.
import groovy.json.JsonSlurper
import java.util.concurrent.TimeUnit
import java.util.zip.GZIPInputStream

/** The file names in a gzipped layer tar (ustar headers; PAX and GNU long-name records skipped). */
List<String> layerFiles(byte[] gzipped) {
  List<String> names = []
  new GZIPInputStream(new ByteArrayInputStream(gzipped)).withCloseable { input ->
    byte[] tar = input.readAllBytes()
    int at = 0
    while (at + 512 <= tar.length && tar[at] != 0) {
      String name = new String(tar, at, 100, 'UTF-8').takeWhile { it != '\0' }
      String prefix = new String(tar, at + 345, 155, 'UTF-8').takeWhile { it != '\0' }
      long size = Long.parseLong(new String(tar, at + 124, 12, 'US-ASCII').replace('\0', ' ').trim() ?: '0', 8)
      String type = new String(tar, at + 156, 1, 'US-ASCII')
      if (!(type in ['x', 'g', 'L'])) {
        names << (prefix ? prefix + '/' + name : name)
      }
      at += 512 + (int) ((size + 511).intdiv(512) * 512)
    }
  }
  return names
}

File pidFile = new File(basedir, 'registry.pid')
try {
  assert new File(basedir, 'build.log').text.contains('BUILD SUCCESS') : 'the image build failed; see build.log'
  String host = "127.0.0.1:${new File(basedir, 'registry.port').text.trim()}"
  def get = { String path, String accept = null ->
    HttpURLConnection c = new URL("http://${host}${path}").openConnection()
    if (accept) c.setRequestProperty('Accept', accept)
    assert c.responseCode == 200 : "GET ${path} answered ${c.responseCode}"
    c
  }

  def image = new JsonSlurper().parse(new File(basedir, 'target/constellation/image.json'))
  println "image.json: ${image}"
  assert image.image == "${host}/constellation-agent:it".toString()
  assert image.digest ==~ /sha256:[0-9a-f]{64}/
  assert image.pinned == "${host}/constellation-agent@${image.digest}".toString()
  assert image.baseImageDigest == new File(basedir, 'base.digest').text.trim()
  assert (image.layersPushed as int) > 0

  def manifestResponse = get('/v2/constellation-agent/manifests/it',
      'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json')
  assert manifestResponse.getHeaderField('Docker-Content-Digest') == image.digest
  def manifest = new JsonSlurper().parse(manifestResponse.inputStream)
  def config = new JsonSlurper().parse(get("/v2/constellation-agent/blobs/${manifest.config.digest}").inputStream)
  List<String> entrypoint = config.config.Entrypoint
  println "entrypoint: ${entrypoint}"
  assert entrypoint.first() == 'java'
  // No <jvmFlags> in this project: the Fargate defaults.
  assert entrypoint[1..2] == ['-XX:MaxRAMPercentage=75', '-XX:+ExitOnOutOfMemoryError']
  assert image.runtimePlatform.cpuArchitecture == 'X86_64'
  assert image.runtimePlatform.operatingSystemFamily == 'LINUX'
  assert entrypoint.last() == 'dev.constellation.agent.AgentMain'
  assert entrypoint[entrypoint.indexOf('-cp') + 1] == '/app/test-classes:/app/classes:/app/constellation/*:/app/libs/*'
  assert config.config.Labels['constellation.project'] == 'dev.constellation.it:image-build:1.0'

  // Base, dependencies, Constellation jars, scripts (src/main/java is empty: no classes layer).
  List<List<String>> files = manifest.layers.collect { layerFiles(get("/v2/constellation-agent/blobs/${it.digest}").inputStream.readAllBytes()) }
  assert files.size() == 4 : "layers: ${files}"
  println "layers: ${files.collect { it.findAll { !it.endsWith('/') }.size() }} files; /app/constellation: ${files[2].findAll { it.endsWith('.jar') }}"
  assert files[0] == ['base/hello.txt']
  assert files[1].any { it ==~ /app\/libs\/HdrHistogram-.*\.jar/ }
  assert files[2].any { it ==~ /app\/constellation\/constellation-agent-.*\.jar/ }
  assert files[2].any { it ==~ /app\/constellation\/constellation-api-.*\.jar/ }
  // Only what the agent needs: none of the plugin's build-time jars, not the plugin itself.
  List<String> buildTime = files[1].findAll { it ==~ /app\/libs\/(jib-core|guava|google-http-client|ecr|httpclient|httpclient5|apache5-client|apache-client|maven-core)-.*\.jar/ }
  assert buildTime.isEmpty() : "build-time jars in /app/libs: ${buildTime}"
  assert !files[2].any { it.contains('constellation-maven-plugin') } : "the plugin jar in /app/constellation: ${files[2]}"
  assert files[3].contains('app/test-classes/it/Ping.class')
  return true
} finally {
  if (pidFile.isFile()) {
    ProcessHandle.of(pidFile.text.trim() as long).ifPresent { ProcessHandle registry ->
      registry.descendants().forEach { it.destroy() }
      registry.destroy()
      registry.onExit().get(10, TimeUnit.SECONDS)
    }
  }
}
