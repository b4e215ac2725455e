package cohort

import (
	"context"

	"penggerak/internal/confver"
)

// ConfigKept returns cohort id's configuration like Config, but for a cohort in the
// pendaftaran stage from the configurations OpenForRegistration keeps in memory, when the
// request read a cohort configuration version (confver, with its session) no newer than what
// is kept: during registration every step page, upload and autosave reply of every applicant
// reads its cohort, and decoding a national cohort's configuration (514 kab/kota targets)
// cost more CPU than the rest of the page. A cohort in another stage, a request without a
// version, or a store bound to a transaction reads it as Config does. The configuration
// returned from memory is shared (callers must not modify it), and its PublishedRuns,
// OfferedUntil, UnattendedSeats and UndecidedCGPs are as of the read it was kept from: the
// stage-transition guards must call Config.
func (s *Store) ConfigKept(ctx context.Context, id int64) (Config, error) {
	if v, ok := confver.Of(ctx, confver.Cohort); ok && s.open != nil {
		list, err := s.pendaftaran(ctx, v)
		if err != nil {
			return Config{}, err
		}
		for _, c := range list {
			if c.ID == id {
				return c, nil
			}
		}
	}
	return s.Config(ctx, id)
}
