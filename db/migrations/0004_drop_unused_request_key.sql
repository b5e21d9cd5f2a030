DROP INDEX "cart_events_request_uq";--> statement-breakpoint
ALTER TABLE "cart_events" DROP COLUMN "request_key";