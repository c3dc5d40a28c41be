"""The clinical half of a course: the consultation record and the treatment plan it recommends."""
