-- Search (platform/search): what an owner wants back with each hit (the row of a result list),
-- so that a search answered from memory needs no second query for the rows it shows. Kept
-- beside the owner's other fields, out of search_documents, which every search scans: only the
-- hits of the page asked for read it, by key. NULL for documents indexed without one.
ALTER TABLE search_document_sources ADD COLUMN payload jsonb;
