-- A request whose accepting mechanic did not join the session in time goes back to the board
-- as 'unattended'. Its own migration: a new enum value cannot be used in the transaction that
-- adds it, and the next migration's partial index names it.
ALTER TYPE "SessionRequestStatus" ADD VALUE 'unattended';
