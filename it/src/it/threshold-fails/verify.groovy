import groovy.xml.XmlSlurper
import groovy.json.JsonSlurper

def run = new File(basedir, 'target/constellation').listFiles().find { it.isDirectory() }
assert run != null : 'the run folder is missing'
def summary = new JsonSlurper().parse(new File(run, 'summary.json'))
assert (summary.totals.requests as long) > 0
def p95 = summary.thresholds.find { it.expression == 'p(95) < 1ms' }
assert p95 != null && p95.passed == false
assert summary.thresholds.find { it.expression == 'error_rate < 1%' }.passed == true
def junit = new XmlSlurper().parse(new File(run, 'junit.xml'))
assert junit.'**'.findAll { it.name() == 'testcase' }.size() == 2
assert junit.'**'.findAll { it.name() == 'failure' }.size() == 1
def log = new File(basedir, 'build.log').text
assert log.contains('1 of 2 thresholds failed')
assert log =~ /p\(95\) < 1ms failed.*measured [0-9.]+ ms/
return true
