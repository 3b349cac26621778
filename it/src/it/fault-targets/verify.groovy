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
// why they failed: the most frequent messages per request name, each led by its error type, counts adding up
['reset', 'silent', 'refused'].each { name ->
  def messages = r[name].failureMessages
  println "$name messages: $messages"
  assert messages != null && !messages.isEmpty()
  assert (messages.values().sum() as long) == (r[name].failures as long)
}
assert r.refused.failureMessages.keySet().every { it.startsWith('connection_refused: ') }
assert r.silent.failureMessages.keySet().every { it.startsWith('timeout: ') }
return true
