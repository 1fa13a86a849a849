package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Contact is a customer.
type Contact struct {
	ID    int64
	Name  string
	Email string
	Phone string
}

// ContactByIdentity finds the contact known on channel by identity.
func (tx *Tx) ContactByIdentity(ctx context.Context, channel, identity string) (Contact, error) {
	var c Contact
	var email, phone sql.NullString
	err := tx.tx.QueryRowContext(ctx, `
		SELECT c.id, c.name, c.email, c.phone
		FROM contact_identities i JOIN contacts c ON c.id = i.contact_id
		WHERE i.channel = ? AND i.identity = ?`, channel, identity).Scan(&c.ID, &c.Name, &email, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, ErrNotFound
	}
	if err != nil {
		return Contact{}, fmt.Errorf("find contact %s/%s: %w", channel, identity, err)
	}
	c.Email, c.Phone = email.String, phone.String
	return c, nil
}

// CreateContact adds a contact and the identity it is known by on channel.
func (tx *Tx) CreateContact(ctx context.Context, c Contact, channel, identity string, now int64) (int64, error) {
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO contacts(name, email, phone, created_at) VALUES (?, ?, ?, ?)`,
		c.Name, nullString(c.Email), nullString(c.Phone), now)
	if err != nil {
		return 0, fmt.Errorf("create contact %q: %w", c.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("create contact %q: %w", c.Name, err)
	}
	if _, err := tx.tx.ExecContext(ctx, `INSERT INTO contact_identities(channel, identity, contact_id) VALUES (?, ?, ?)`,
		channel, identity, id); err != nil {
		return 0, fmt.Errorf("record identity of contact %q: %w", c.Name, err)
	}
	return id, nil
}

// ContactByEmail finds a contact by email address, whatever its case.
func (tx *Tx) ContactByEmail(ctx context.Context, email string) (Contact, error) {
	var c Contact
	var em, phone sql.NullString
	err := tx.tx.QueryRowContext(ctx, `
		SELECT id, name, email, phone FROM contacts WHERE email = ? COLLATE NOCASE ORDER BY id LIMIT 1`, email).
		Scan(&c.ID, &c.Name, &em, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, ErrNotFound
	}
	if err != nil {
		return Contact{}, fmt.Errorf("find contact %s: %w", email, err)
	}
	c.Email, c.Phone = em.String, phone.String
	return c, nil
}

// AddContactIdentity records one more way a contact is known on a channel.
func (tx *Tx) AddContactIdentity(ctx context.Context, contactID int64, channel, identity string) error {
	if _, err := tx.tx.ExecContext(ctx, `
		INSERT INTO contact_identities(channel, identity, contact_id) VALUES (?, ?, ?)
		ON CONFLICT(channel, identity) DO NOTHING`, channel, identity, contactID); err != nil {
		return fmt.Errorf("record identity of contact %d: %w", contactID, err)
	}
	return nil
}

// SetContactEmail stores a contact's email address.
func (tx *Tx) SetContactEmail(ctx context.Context, contactID int64, email string) error {
	if _, err := tx.tx.ExecContext(ctx, `UPDATE contacts SET email = ? WHERE id = ?`, email, contactID); err != nil {
		return fmt.Errorf("set email of contact %d: %w", contactID, err)
	}
	return nil
}

// GetContact returns one contact, or ErrNotFound.
func (s *Store) GetContact(ctx context.Context, id int64) (Contact, error) {
	c := Contact{ID: id}
	var email, phone sql.NullString
	err := s.read.QueryRowContext(ctx, `SELECT name, email, phone FROM contacts WHERE id = ?`, id).Scan(&c.Name, &email, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return Contact{}, fmt.Errorf("contact %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return Contact{}, fmt.Errorf("read contact %d: %w", id, err)
	}
	c.Email, c.Phone = email.String, phone.String
	return c, nil
}

// ContactChannels returns the channels a contact is known on.
func (s *Store) ContactChannels(ctx context.Context, id int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT channel FROM contact_identities WHERE contact_id = ? ORDER BY channel`, id)
	if err != nil {
		return nil, fmt.Errorf("read channels of contact %d: %w", id, err)
	}
	defer rows.Close()
	channels := []string{}
	for rows.Next() {
		var ch string
		if err := rows.Scan(&ch); err != nil {
			return nil, fmt.Errorf("read channels of contact %d: %w", id, err)
		}
		channels = append(channels, ch)
	}
	return channels, rows.Err()
}
