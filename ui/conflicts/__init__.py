"""The Duplicates view: duplicate admissions made by desks while they were apart."""
