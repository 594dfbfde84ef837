"""Talk to staff: the visitor's request flow, tickets, the on-screen keyboard and first-name retention."""
