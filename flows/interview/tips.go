package interview

import (
	"strconv"

	"nido/flows"
)

// The tips are content, written in locales/ with care: short sentences,
// concrete, no jargon, per kind of job where it matters. Three moments:
//
//	bring   what to bring (ID, residence permit, tax code, CV) and questions she may be asked for that job
//	route   the way there and how long it takes (a map), clothes for that job, childcare
//	last    a short checklist and a word of encouragement
//
// /tips lets her read them all, for any kind of job, any time.

// tipMessage is one tip about iv.
func tipMessage(iv Interview, tip string) flows.Message {
	job := flows.T{ID: "interview.job_" + iv.Job}
	switch tip {
	case tipBring:
		return flows.Message{Lines: []flows.T{
			{ID: "interview.tip_bring_title", Data: map[string]any{"Job": job, "When": iv.At}},
			{ID: "interview.tip_bring"},
			{ID: "interview.tip_questions_" + iv.Job},
		}}
	case tipRoute:
		m := flows.Message{Lines: []flows.T{
			{ID: "interview.tip_route_title", Data: map[string]any{"When": iv.At}},
			{ID: "interview.tip_route"},
			{ID: "interview.tip_clothes_" + iv.Job},
		}}
		if iv.Where != "" {
			m.Buttons = append(m.Buttons, []flows.Button{{Label: flows.T{ID: "appointment.map"}, URL: flows.MapsURL(iv.Where)}})
		}
		if iv.Childcare {
			m.Lines = append(m.Lines, flows.T{ID: "interview.tip_childcare"})
			m.Buttons = append(m.Buttons, []flows.Button{{Label: flows.T{ID: "interview.still_need"},
				Data: verbStillNeed + ":" + iv.ID + ":" + strconv.Itoa(iv.Seq)}})
		}
		return m
	}
	return flows.Message{Lines: []flows.T{
		{ID: "interview.tip_last_title", Data: map[string]any{"When": iv.At}},
		{ID: "interview.tip_checklist"},
		{ID: "interview.tip_courage"},
	}}
}

// tipsMenu offers the tips of each kind of job.
func (e *capability) tipsMenu(s *flows.Session, _ string) error {
	var bs []flows.Button
	for _, j := range jobs {
		bs = append(bs, flows.Button{Label: flows.T{ID: "interview.job_" + j}, Data: verbTips + ":" + j})
	}
	return s.Send(flows.Message{Lines: []flows.T{{ID: "interview.tips_title"}}, Buttons: flows.Grid(bs, 2)})
}

// tipsOf shows every tip for one kind of job.
func (e *capability) tipsOf(s *flows.Session, job string) error {
	if !isJob(job) {
		return s.Reply(flows.T{ID: "common.button_invalid"})
	}
	return s.Reply(
		flows.T{ID: "interview.tips_of", Data: map[string]any{"Job": flows.T{ID: "interview.job_" + job}}},
		flows.T{ID: "interview.tip_bring"},
		flows.T{ID: "interview.tip_questions_" + job},
		flows.T{ID: "interview.tip_route"},
		flows.T{ID: "interview.tip_clothes_" + job},
		flows.T{ID: "interview.tip_checklist"},
		flows.T{ID: "interview.tip_courage"},
	)
}
