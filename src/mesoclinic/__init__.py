"""mesoclinic: a clinic's mesotherapy care pathway, from consultation to follow-up."""
