"""HL7 FHIR R4 in and out: bulk import and export, and the read API, above the apps it maps."""
