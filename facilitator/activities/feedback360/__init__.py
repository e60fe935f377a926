"""A 360-degree feedback round (issue 20.3): each participant asks colleagues in the room
and people outside it (manager, client, partner, a colleague elsewhere) for feedback on
qualities, strengths and points to develop. Answers reach only the person asked about,
and only per perspective of at least the minimum number of answers (`results`)."""
