// Package trials finds the clinical trials a corpus reports and tells each one once,
// however many documents mention it: a review summarises a trial by its registry id, an
// abstract reports it by its product without the id, a press release announces it.
//
// It works in two steps, so that the costly one runs once per document:
//
//   - Extract reads one document and returns its Mentions: for every passage (section)
//     that names a trial by a registry id (ClinicalTrials.gov, jRCT, UMIN, JapicCTI,
//     ChiCTR, ISRCTN, EudraCT) or reports a trial of a named product (a code such as
//     CL2020 that the document calls a product, 製剤, 产品), what the passage says
//     about it: product, indication, cell type, design, phase, enrolment, status and
//     years. Each attribute is read from the sentence that names the trial, else its
//     paragraph, else the headings above it, so that a review's section about one
//     trial does not lend it the indications of the next.
//   - Merge joins the mentions of the whole corpus into Trials. Mentions that share a
//     registry id are one trial (one trial may have several ids, written together:
//     "NCT01234567; jRCT2031190123"). A mention without an id joins a trial only when
//     product, indication and phase are all the same, and only when exactly one trial
//     fits; otherwise it is a trial of its own, never merged on a guess. A passage that
//     names a product's trials only in passing (a list of indications, a trial still
//     planned) makes no trial: its document is listed as related to the trials that fit.
//
// Facet values (indication, cell type, design, phase) are the ids of the corpus
// vocabulary. The package reads documents and returns data; storing mentions (the
// indexer) and searching trials (the search engine) are done elsewhere.
package trials
