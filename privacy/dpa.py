"""Facts of Kenya's Data Protection Act 2019 and the Data Protection (General) Regulations 2021
that the portal's pages state, copied here (from the project's shared fact sheet of public
facts, block "data_protection") so that nothing reads outside the project at run time.
"""

# Days within which a request is answered.
ACCESS_REQUEST_DAYS = 7
RECTIFICATION_DAYS = 14
ERASURE_DAYS = 14
PORTABILITY_DAYS = 30
# A breach with a real risk of harm is notified to the Data Commissioner within this.
BREACH_NOTIFICATION_HOURS = 72
