"""Every change to the calendar: courses, moves and single appointments, one module each."""
