import groovy.json.JsonSlurper

def run = new File(basedir, 'target/constellation').listFiles().find { it.isDirectory() }
def summary = new JsonSlurper().parse(new File(run, 'summary.json'))
def r = summary.requests
println "requests: " + r.collectEntries { k, v -> [k, [v.requests, v.statusCodes, v.errors]] }
long iterations = summary.iterations.LogIn.requests as long
assert iterations > 0
assert (summary.iterations.LogIn.failures as long) == 0
// every login is one 302 hop and one 200 page: the cookie set on the redirect reached /home
assert (r['GET /cookie-login'].requests as long) == iterations
assert (r['GET /cookie-login'].statusCodes['302'] as long) == iterations
assert (r['GET /cookie-home'].statusCodes['200'] as long) == iterations
assert !r['GET /cookie-home'].statusCodes.containsKey('401')
// the loop: 10 redirects followed (maxRedirects), the 11th is one failed request too_many_redirects
assert (r['GET /redirect-loop'].statusCodes['302'] as long) == 10 * iterations
assert (r['GET /redirect-loop'].errors['too_many_redirects'] as long) == iterations
assert (r['GET /redirect-loop'].requests as long) == 11 * iterations
assert (r['GET /redirect-loop'].failures as long) == iterations
assert r['GET /redirect-loop'].failureMessages.keySet() == ['too_many_redirects: more than {n} redirects (maxRedirects); the 302 from /redirect-loop points to /redirect-loop'] as Set
return true
