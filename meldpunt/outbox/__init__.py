"""The transactional mail outbox: messages are rows written in the same transaction as the change that causes
them, and sent later by `flask outbox-worker`, so nothing is lost when SMTP is down or a process dies."""
