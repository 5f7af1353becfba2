"""One module per `inkship` command; `context` holds what they share."""
