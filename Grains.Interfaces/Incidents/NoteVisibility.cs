namespace Collab.Incidents;

/// <summary>Who may read a note: everyone, police and council, or police only.</summary>
public enum NoteVisibility
{
    Public = 0,
    Authorities = 1,
    Police = 2,
}
