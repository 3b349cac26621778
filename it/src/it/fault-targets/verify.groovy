import groovy.json.JsonSlurper

def run = new File(basedir, 'target/constellation').listFiles().find { it.isDirectory() }
def summary = new JsonSlurper().parse(new File(run, 'summary.json'))
def r = summary.requests
println "errors: " + r.collectEntries { k, v -> [k, [v.statusCodes, v.errors]] }
assert (r.serverError.statusCodes['500'] as long) > 0
assert (r.serverError.failures as long) == (r.serverError.requests as long)
assert r.reset.errors.keySet() == ['connection_reset'] as Set
assert r.silent.errors.keySet() == ['timeout'] as Set
assert r.refused.errors.keySet() == ['connection_refused'] as Set
['reset', 'silent', 'refused'].each { assert (r[it].failures as long) == (r[it].requests as long) && (r[it].requests as long) > 0 }
return true
