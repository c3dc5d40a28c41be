"""Pages composed above the apps they show: each role's dashboard and the patient's chart."""
