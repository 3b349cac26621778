import groovy.json.JsonSlurper

def runs = new File(basedir, 'target/constellation').listFiles().findAll { new File(it, 'summary.json').exists() }.sort { it.name }
assert runs.size() == 2 : "expected a closed and an open run, found ${runs*.name}"
def closed = new JsonSlurper().parse(new File(runs[0], 'summary.json'))
def open = new JsonSlurper().parse(new File(runs[1], 'summary.json'))
double closedP95 = closed.totals.latencyMs.p95 as double
double openP95 = open.totals.latencyMs.p95 as double
println "stall (1 s every 5 s): closed model p95 ${closedP95} ms over ${closed.totals.requests} requests; " +
    "open model p95 ${openP95} ms over ${open.totals.requests} requests, schedule ${open.schedule}"
// 20% of the time is stalled: the intended schedule's p95 is about 750 ms. The closed model hides it.
assert openP95 > 500 : "the open model should show the stall in its p95"
assert closedP95 < openP95 / 3 : "the closed model hides the stall"
assert (open.schedule.dropped as long) == 0
assert open.baseline != null : 'the open run should be compared with the closed one'
def html = new File(runs[1], 'index.html').text
assert html.contains('Compared with baseline')
return true
