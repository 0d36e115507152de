"""Events: the public home page and event pages."""
