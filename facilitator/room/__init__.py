"""What every workshop has, whatever its activities: the workshop itself and its code,
the agenda, participants, the timer, table screens and the links to share."""
