"""The clinical core: protocols, value sets and the engines applying them; plain Python, no Django.

Screening (`screening.screen`), preparation (`preparation.preparation_steps`), aftercare
(`aftercare.aftercare_steps`), courses (`courses.course_windows`) and follow-up
(`effects.expected_course`) are pure functions over `facts.PatientFacts` and a
`protocols.Protocol`; the knowledge they apply lives in data files under `valuesets/` and
`protocols/`.
"""
