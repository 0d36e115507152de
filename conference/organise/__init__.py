"""The organiser workspace under /organise/."""
