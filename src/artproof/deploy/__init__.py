"""Running artproof beyond one machine: health checks (doctor) and the job queue's worker."""
