package flows

import "strconv"

// The question "which mother?" (or family) that every capability for
// staff asks, and the check every press of its answer needs: the person
// must be of that role in the staff member's own organisation. Another
// organisation's person, or a forged id, is not found.

// OrgMember loads person id when they are of role in the acting staff
// member's organisation; ok is false otherwise, and for anyone but staff.
func (s *Session) OrgMember(idText, role string) (Person, bool, error) {
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || s.person.Role != RoleStaff || s.person.OrgID == "" {
		return Person{}, false, nil
	}
	p, ok, err := s.e.people.Get(s.ctx, id)
	if err != nil || !ok {
		return Person{}, false, err
	}
	return p, p.Role == role && p.OrgID == s.person.OrgID, nil
}

// PersonButtons are buttons with people's names, two a row and at most
// MaxButtons (staff of a larger organisation type the name instead);
// pressing one sends data(p). Those skip accepts are left out.
func PersonButtons(people []Person, data func(Person) string, skip func(Person) bool) [][]Button {
	var bs []Button
	for _, p := range people {
		if len(bs) == MaxButtons {
			break
		}
		if skip != nil && skip(p) {
			continue
		}
		bs = append(bs, Button{Label: T{Plain: p.Name}, Data: data(p)})
	}
	return Grid(bs, 2)
}
