"""Real-browser tests: a package, so their server and browser close when the last of them ends."""
