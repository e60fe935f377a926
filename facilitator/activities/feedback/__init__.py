"""Feedback in the 4G shape ("aanspreken"): the activity and its own tables."""
