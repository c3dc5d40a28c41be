"""Who uses mesoclinic: clinics, users with one role each, sign-in, throttling, API tokens."""
