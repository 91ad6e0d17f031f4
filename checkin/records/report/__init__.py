"""The programme report: who the training reached, per session and in total, for the people who fund it."""
