// The registry is a Debian package (.ci/run installs it). Without it, a developer's build skips
// this project; CI (CI=true) runs it regardless, so a missing registry fails there.
return new File('/usr/bin/docker-registry').canExecute() || System.getenv('CI') == 'true'
