import groovy.json.JsonSlurper

def run = new File(basedir, 'target/constellation').listFiles().find { it.isDirectory() }
def summary = new JsonSlurper().parse(new File(run, 'summary.json'))
def countFile = new File(basedir, 'target/server-count.txt')
long serverCount = -1
for (int i = 0; i < 40; i++) {
  long now = countFile.text.trim() as long
  if (now == serverCount) break
  serverCount = now
  Thread.sleep(100)
}
println "regions: " + summary.regions.collectEntries { k, v -> [k, [requests: v.requests, vus: v.vus, startSkewMs: v.startSkewMs, wakeLatenessMs: v.wakeLatenessMs]] }
assert summary.regions.keySet() == ['us-east-2', 'eu-west-1', 'ap-northeast-1'] as Set
assert summary.regions['us-east-2'].vus == 4 && summary.regions['eu-west-1'].vus == 3 && summary.regions['ap-northeast-1'].vus == 2
assert summary.durationMs == 4000
summary.regions.each { name, r ->
  assert (r.requests as long) > 0 : "region ${name} sent nothing"
  // The goal is 20 ms; on a shared 2-core CI box the bound is looser, and the figures are printed above.
  assert Math.abs(r.startSkewMs as long) <= 40 : "region ${name} started ${r.startSkewMs} ms off the common start"
}
long total = summary.regions.values().sum { it.requests as long }
assert total == (summary.totals.requests as long)
assert total == serverCount : "summary.json counts ${total}, the server saw ${serverCount}"
def log = new File(basedir, 'build.log').text
['us-east-2-0', 'eu-west-1-0', 'ap-northeast-1-0'].each { assert log.contains("[${it}] agent ${it}: ") }
return true
