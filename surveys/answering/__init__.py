"""The answers of a response: the stored document and its checks (`answers`), the answer
page's form — posted fields to answers (`form`), controls (`fields`) —, answers shown in
words (`display`), and the mapping between a cooperation entry and a registry record
(`mapping`)."""
