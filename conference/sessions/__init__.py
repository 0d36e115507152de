"""Sessions of an event's programme: public session pages and change tracking."""
