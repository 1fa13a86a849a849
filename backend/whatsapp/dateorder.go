package whatsapp

import "time"

// maxOrderDates bounds the distinct dates kept for the day/month decision; a
// ten-year chat has under 4,000.
const maxOrderDates = 1 << 17

// dateParts returns the two non-year components in file order and the year,
// as written by header h. The year is the component marked by an era or
// "BE", else the longest one (the last of the longest, like Pustur's stable
// sort by length). Two-digit years are 20yy; Thai Buddhist years without the
// "BE" marker (≥ 2400) are converted too.
func dateParts(h *header) (a, b, year, yearIdx int) {
	yi := h.yearIdx
	if yi < 0 {
		yi = 2
		for k := 1; k >= 0; k-- {
			if h.ndig[k] > h.ndig[yi] {
				yi = k
			}
		}
	}
	switch yi {
	case 0:
		a, b = h.num[1], h.num[2]
	case 1:
		a, b = h.num[0], h.num[2]
	default:
		a, b = h.num[0], h.num[1]
	}
	year = h.num[yi]
	switch {
	case h.yearAdd[yi] != 0:
		year += h.yearAdd[yi]
	case h.ndig[yi] <= 2:
		year += 2000
	case year >= 2400:
		year -= 543
	}
	return a, b, year, yi
}

// orderStats collects, in the first pass, what the date order is decided on.
type orderStats struct {
	seen          map[uint64]struct{}
	dates         [][3]int // distinct (a, b, year) in order of first appearance
	headers       int
	yearFirst     int
	sepCount      [numSeps]int
	last          header // the last header added, to skip the map for repeated dates
	haveLast      bool
	lastYearFirst bool
	dayAbove12    bool // some first component is above 12: day-first is certain
	named         int  // headers with the month's name
	yearless      int  // of those, headers without a year
	years         namedYear
}

// addRepeat counts one more header with the date of the last one added.
func (s *orderStats) addRepeat() {
	s.headers++
	if s.last.named {
		s.named++
		if s.last.num[2] == 0 {
			s.yearless++
		}
	}
	s.sepCount[s.last.sep]++
	if s.lastYearFirst {
		s.yearFirst++
	}
}

func (s *orderStats) add(h *header) {
	s.headers++
	s.sepCount[h.sep]++
	if s.haveLast && h.num == s.last.num && h.ndig == s.last.ndig && h.yearIdx == s.last.yearIdx && h.yearAdd == s.last.yearAdd && h.named == s.last.named {
		s.last.sep = h.sep
		if h.named {
			s.named++
			if h.num[2] == 0 {
				s.yearless++
			}
		}
		if s.lastYearFirst {
			s.yearFirst++
		}
		return
	}
	s.last, s.haveLast = *h, true
	if h.named {
		// The month is known by its name: nothing to decide.
		s.lastYearFirst = false
		s.named++
		if h.num[2] == 0 {
			s.yearless++
			s.years.add(h.num[1], h.num[0])
		}
		return
	}
	a, b, year, yi := dateParts(h)
	s.lastYearFirst = yi == 0
	if yi == 0 {
		s.yearFirst++
	}
	// Only dates that are possible under one of the two orders count.
	if a < 1 || b < 1 || a > 31 || b > 31 || (a > 12 && b > 12) {
		return
	}
	key := uint64(a)<<40 | uint64(b)<<20 | uint64(year&0xFFFFF)
	if _, ok := s.seen[key]; ok {
		return
	}
	if len(s.dates) >= maxOrderDates {
		return
	}
	if s.seen == nil {
		s.seen = make(map[uint64]struct{}, 1024)
	}
	s.seen[key] = struct{}{}
	if a > 12 {
		s.dayAbove12 = true
	}
	s.dates = append(s.dates, [3]int{a, b, year})
}

// decideDayFirst runs Pustur's three-stage heuristic (FORMATS.md §1.5) on
// the distinct dates of a file, in order of first appearance. decided is
// false when no stage could tell.
func decideDayFirst(dates [][3]int) (dayFirst, decided bool) {
	// 1. A component above 12 cannot be a month.
	for _, d := range dates {
		if d[0] > 12 {
			return true, true
		}
	}
	for _, d := range dates {
		if d[1] > 12 {
			return false, true
		}
	}
	// 2. Within a year, months never decrease; a decreasing component is the day.
	type yearState struct {
		last           [2]int
		firstDecreases bool
		secondDecrease bool
	}
	years := make(map[int]*yearState)
	var order []int
	for _, d := range dates {
		st, ok := years[d[2]]
		if !ok {
			st = &yearState{}
			years[d[2]] = st
			order = append(order, d[2])
		} else {
			if d[0] < st.last[0] {
				st.firstDecreases = true
			}
			if d[1] < st.last[1] {
				st.secondDecrease = true
			}
		}
		st.last = [2]int{d[0], d[1]}
	}
	anyFalse := false
	for _, y := range order {
		st := years[y]
		if st.firstDecreases {
			return true, true
		}
		if st.secondDecrease {
			anyFalse = true
		}
	}
	if anyFalse {
		return false, true
	}
	// 3. The day changes more than the month.
	var first, second int
	for i := 1; i < len(dates); i++ {
		first += abs(dates[i][0] - dates[i-1][0])
		second += abs(dates[i][1] - dates[i-1][1])
	}
	if first > second {
		return true, true
	}
	if first < second {
		return false, true
	}
	return false, false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// decideOrder turns the first-pass statistics into the order to use.
func (s *orderStats) decideOrder() (order DateOrder, ambiguous bool) {
	if s.named*2 > s.headers {
		return OrderDayFirst, false // months written as names leave nothing to decide
	}
	yearFirst := s.yearFirst*2 > s.headers
	dayFirst, decided := decideDayFirst(s.dates)
	if !decided {
		// Year-first files are year/month/day in every locale seen; the rest
		// fall back to day-first, the most common order worldwide.
		if yearFirst {
			return OrderYearFirst, true
		}
		return OrderDayFirst, true
	}
	switch {
	case dayFirst:
		return OrderDayFirst, false
	case yearFirst:
		return OrderYearFirst, false
	default:
		return OrderMonthFirst, false
	}
}

// firstYear is the year of the first yearless date of the file: the last
// one is in the year of the export (or the year before, when its day comes
// later in the year than the export's), and every step back in the year
// between them began a new year.
func (s *orderStats) firstYear(exported time.Time, loc *time.Location) int {
	if exported.IsZero() {
		exported = time.Now()
	}
	ex := exported.In(loc)
	year := ex.Year()
	if s.years.have && s.years.last > int(ex.Month())*32+ex.Day()+1 {
		year--
	}
	return year - s.years.rollovers
}
