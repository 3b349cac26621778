import groovy.xml.XmlSlurper
def suite(String mode) {
  def dir = new File(basedir, "target/surefire-reports-${mode}")
  def files = dir.listFiles().findAll { it.name.startsWith('TEST-') && it.name.endsWith('.xml') }
  assert !files.isEmpty() : "no surefire report in ${dir}"
  def tests = 0, skipped = 0, failures = 0, errors = 0
  files.each {
    def s = new XmlSlurper().parse(it)
    tests += s.@tests.toInteger(); skipped += s.@skipped.toInteger()
    failures += s.@failures.toInteger(); errors += s.@errors.toInteger()
  }
  [tests: tests, skipped: skipped, failures: failures, errors: errors]
}
def plain = suite('plain')
def smoke = suite('smoke')
println "without a base URL: ${plain}; with one: ${smoke}"
assert plain == [tests: 2, skipped: 2, failures: 0, errors: 0]
assert smoke == [tests: 2, skipped: 0, failures: 0, errors: 0]
// Browse: 1 request; Buy: login + 1 iteration = 2 requests.
assert new File(basedir, 'target/server-count.txt').text.trim() == '3'
return true
