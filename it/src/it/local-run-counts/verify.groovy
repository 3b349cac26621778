import groovy.json.JsonSlurper

def runs = new File(basedir, 'target/constellation').listFiles().findAll { it.isDirectory() }
assert runs.size() == 1 : "expected one run folder, found ${runs}"
def run = runs[0]
def summary = new JsonSlurper().parse(new File(run, 'summary.json'))

// The server writes its count every 50 ms; wait until it has settled.
def countFile = new File(basedir, 'target/server-count.txt')
long serverCount = -1
for (int i = 0; i < 40; i++) {
  long now = countFile.text.trim() as long
  if (now == serverCount) break
  serverCount = now
  Thread.sleep(100)
}

long recorded = summary.totals.requests as long
println "server saw ${serverCount} requests; summary.json says ${recorded}; p50 ${summary.totals.latencyMs.p50} ms"
assert recorded > 100
assert recorded == serverCount : "summary.json counts ${recorded} requests but the server saw ${serverCount}"
assert (summary.totals.failures as long) == 0
double p50 = summary.totals.latencyMs.p50 as double
assert p50 >= 20.0 && p50 <= 28.0 : "p50 ${p50} ms should match the server's fixed 20 ms delay within a few ms"
assert summary.requests['GET /items/{id}'].requests as long == recorded
assert summary.regions['local'].vus == 5
assert new File(run, 'junit.xml').text.contains('testcase')
assert new File(run, 'index.html').length() > 1000
def log = new File(basedir, 'build.log').text
// The second invocation rebuilt the report from the stored records, with its own threshold.
assert log.contains('constellation-maven-plugin:0.1.0-SNAPSHOT:report')
assert summary.thresholds*.expression == ['requests>100'] : "the rebuilt summary.json should carry the report goal's thresholds"
assert summary.thresholds[0].passed == true
assert log.contains('req/s') : 'live progress lines are missing from the build log'
return true
