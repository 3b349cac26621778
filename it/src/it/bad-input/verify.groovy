def log = new File(basedir, 'build.log').text
assert log.contains('script class it.Nope was not found on the test classpath; check <scripts> (-Dconstellation.scripts)')
assert log.contains('<thresholds> (-Dconstellation.thresholds)') && log.contains('p95<1')
assert log.contains('@BeforeVirtualUser method it.ThrowsInSetup.logIn threw java.lang.IllegalStateException: no account for this user')
assert log.contains('<vus> (-Dconstellation.vus) is 0; set 1 or more virtual users')
assert log.contains('-Dconstellation.remoteRegions us-east-9 names "us-east-9", which is not an AWS region; known regions: ')
assert log =~ /-Dconstellation.config=\S*missing.json: the file does not exist/
// Nothing was recorded: bad input is refused before load starts.
def runs = new File(basedir, 'target/constellation')
def records = runs.exists() ? runs.listFiles().collectMany { r -> (new File(r, 'records').listFiles() ?: []) as List } : []
assert records.every { it.length() == 0 } : "records were written: ${records}"
return true
