"""The reliability suite (issue 10): crash safety, restart storms, faults, hostile input and the
authorization matrix. Long runs are behind ``CLOSER_LONG=1`` (tests marked ``long``)."""
