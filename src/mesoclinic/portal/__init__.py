"""The patient's portal: their own pages, above the apps whose records they show."""
