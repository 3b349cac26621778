import com.sun.net.httpserver.HttpServer
import groovy.json.JsonSlurper
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong

// A loopback target that counts what it receives and answers after 20 ms.
def received = new AtomicLong()
def server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50)
def pool = Executors.newFixedThreadPool(8)
server.setExecutor(pool)
server.createContext('/') { exchange ->
  received.incrementAndGet()
  exchange.requestBody.readAllBytes()
  Thread.sleep(20)
  byte[] body = 'ok'.bytes
  exchange.sendResponseHeaders(200, body.length)
  exchange.responseBody.withStream { it.write(body) }
}
server.start()
def baseUrl = "http://127.0.0.1:${server.address.port}"

// The IT repository as the invoker's own builds see it (offline: everything is there after invoker.goals).
def repo = new File(localRepositoryPath.toString())
def settings = new File(basedir, 'target/interrupt-settings.xml')
settings.text = """<settings><profiles><profile><id>it-repo</id><activation><activeByDefault>true</activeByDefault></activation>
<repositories><repository><id>local.central</id><url>${repo.toURI()}</url></repository></repositories>
<pluginRepositories><pluginRepository><id>local.central</id><url>${repo.toURI()}</url></pluginRepository></pluginRepositories>
</profile></profiles></settings>"""
def mvn = new File(System.getProperty('maven.home'), 'bin/mvn').absolutePath
def pluginVersion = (new File(basedir, 'pom.xml').text =~ /(?s)<artifactId>constellation-maven-plugin<\/artifactId>\s*<version>([^<]+)<\/version>/)[0][1]
def plugin = "dev.constellation:constellation-maven-plugin:${pluginVersion}"
def common = [mvn, '-B', '-o', '-s', settings.absolutePath, "-Dmaven.repo.local=${repo.absolutePath}".toString()]
// A build started in the background of a non-interactive shell inherits SIGINT as ignored, and a JVM
// leaves an ignored SIGINT ignored; perl (Debian's essential perl-base) restores the default
// disposition and execs mvn, which execs java: the pid stays the Maven JVM's.
def resetSigint = ['perl', '-e', '$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec: $!"']

def runLog = new File(basedir, 'interrupted-run.log')
def pb = new ProcessBuilder(resetSigint + common + ["${plugin}:run".toString(), "-Dconstellation.baseUrl=${baseUrl}".toString()])
    .directory(basedir).redirectErrorStream(true).redirectOutput(runLog)
pb.environment().put('AWS_EC2_METADATA_DISABLED', 'true')
def started = System.currentTimeMillis()
def maven = pb.start()
List<ProcessHandle> agents = []
List<ProcessHandle> leftAlive = null
try {
  // Wait for load: a progress line, then a few seconds more.
  long deadline = System.currentTimeMillis() + 90_000
  while (!(runLog.text =~ /req\/s/) && System.currentTimeMillis() < deadline && maven.isAlive()) {
    Thread.sleep(200)
  }
  assert maven.isAlive() : "the run ended before it was interrupted:\n${runLog.text}"
  assert runLog.text =~ /req\/s/ : "no progress within 90 s:\n${runLog.text}"
  Thread.sleep(3000)
  agents = maven.toHandle().descendants().toList()
  assert agents.size() >= 2 : "expected the two agent JVMs below Maven, found ${agents*.pid()}"
  long interruptedAt = System.currentTimeMillis()
  assert new ProcessBuilder('kill', '-INT', Long.toString(maven.pid())).inheritIO().start().waitFor() == 0
  assert maven.waitFor(150, TimeUnit.SECONDS) : "Maven did not exit within 150 s of SIGINT"
  // checked before the finally below kills whatever is left
  leftAlive = agents.findAll { it.isAlive() }
  println "SIGINT ${(interruptedAt - started) / 1000} s after the start; Maven exited ${maven.exitValue()} " +
      "${System.currentTimeMillis() - interruptedAt} ms later"
} finally {
  if (maven.isAlive()) {
    maven.destroyForcibly()
  }
  agents.findAll { it.isAlive() }.each { it.destroyForcibly() }
}
server.stop(0)
pool.shutdownNow()

def log = runLog.text
assert maven.exitValue() == 130 : "a SIGINT'd build exits 130, it exited ${maven.exitValue()}"
assert leftAlive != null && leftAlive.isEmpty() : "agent processes left running after Maven exited: ${leftAlive*.pid()}"

def runs = new File(basedir, 'target/constellation').listFiles().findAll { it.isDirectory() }
assert runs.size() == 1 : "expected one run, found ${runs}"
def run = runs[0]
def json = new JsonSlurper()
def summary = json.parse(new File(run, 'summary.json'))
def facts = json.parse(new File(run, 'run.json'))
long count = received.get()
println "server received ${count}; summary.json: ${summary.totals.requests} requests, durationMs ${summary.durationMs} of " +
    "${summary.plannedDurationMs}, interrupted ${summary.interrupted}, passed ${summary.passed}"
assert summary.interrupted == true
assert summary.status == 'interrupted'
assert summary.passed == false
assert summary.thresholds[0].passed == true : 'the threshold held; the run fails only because it was interrupted'
assert summary.plannedDurationMs == 60000
assert (summary.durationMs as long) > 1000 && (summary.durationMs as long) < 60000
assert summary.target == baseUrl
assert summary.regions['us-east-2'].vus == 2 && summary.regions['eu-west-1'].vus == 1
assert (summary.totals.requests as long) > 0
// every request that reached the server was flushed and counted
assert (summary.totals.requests as long) == count : "summary.json counts ${summary.totals.requests}, the server received ${count}"
assert facts.status == 'interrupted' && facts.plannedDurationMs == 60000
assert new File(run, 'index.html').text.contains('<div class="banner interrupted"')
assert log.contains('interrupted: stopping the agents')
assert log.contains('INTERRUPTED: the run was stopped before its end')
assert log.contains("the run was interrupted; the report of the partial run, marked interrupted, is ${new File(run, 'index.html')}")
assert !log.contains('(output closed: Stream closed)')

// A rebuilt report keeps the run's facts.
def report = new ProcessBuilder(common + ["${plugin}:report".toString()]).directory(basedir).redirectErrorStream(true)
    .redirectOutput(new File(basedir, 'rebuilt-report.log')).start()
assert report.waitFor(120, TimeUnit.SECONDS)
def rebuilt = json.parse(new File(run, 'summary.json'))
assert report.exitValue() == 1 : 'the report goal fails the build of an interrupted run'
println "rebuilt report exited ${report.exitValue()}: vus ${rebuilt.regions.collectEntries { k, v -> [k, v.vus] }}, target ${rebuilt.target}"
assert rebuilt.interrupted == true && rebuilt.passed == false
assert rebuilt.target == baseUrl
assert rebuilt.regions['us-east-2'].vus == 2 && rebuilt.regions['eu-west-1'].vus == 1
assert rebuilt.durationMs == summary.durationMs && rebuilt.plannedDurationMs == 60000
assert rebuilt.totals.requests == summary.totals.requests
return true
